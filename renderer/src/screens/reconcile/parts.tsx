import { UPLOAD_INFNO_LABELS, UPLOAD_STATE_LABELS, type UploadRowView } from '../../../../app/shared/inventory';

export function infnoText(infno: string): string {
  const name = UPLOAD_INFNO_LABELS[infno];
  return name ? `${infno} ${name}` : infno;
}

export function UploadStateBadge({ row }: { row: Pick<UploadRowView, 'state' | 'inDoubt'> }) {
  if (row.inDoubt && row.state === 'pending') {
    return (
      <span className="badge upload-doubt" title="发出后没有收到应答：重发前先向医保中心核实，不会重复上报">
        待核实
      </span>
    );
  }
  return <span className={`badge upload-${row.state}`}>{UPLOAD_STATE_LABELS[row.state] ?? row.state}</span>;
}
