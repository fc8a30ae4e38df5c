import type { ModuleDef } from './modules';

export function PlaceholderScreen({ module }: { module: ModuleDef }) {
  return (
    <section className="placeholder" data-testid={`placeholder-${module.id}`}>
      <div className="card placeholder-card">
        <h1>
          {module.label} <span className="badge badge-muted">未开通</span>
        </h1>
        <p>{module.summary}</p>
        <p className="muted">此功能尚未开通，将在后续版本中提供。</p>
      </div>
    </section>
  );
}
