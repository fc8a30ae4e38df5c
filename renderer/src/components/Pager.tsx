interface PagerProps {
  /** zero-based */
  page: number;
  pages: number;
  total: number;
  /** what is counted, after the total: 条, 个商品 … */
  unit: string;
  loading: boolean;
  onPage: (page: number) => void;
  /** the data-testid of the page text */
  testId: string;
}

/** A paged table's footer: 上一页 / 第 x / y 页，共 n … / 下一页. */
export function Pager({ page, pages, total, unit, loading, onPage, testId }: PagerProps) {
  return (
    <div className="pager">
      <button type="button" className="btn" disabled={page <= 0 || loading} onClick={() => onPage(page - 1)}>
        上一页
      </button>
      <span data-testid={testId}>
        第 {page + 1} / {pages} 页，共 {total} {unit}
      </span>
      <button type="button" className="btn" disabled={page + 1 >= pages || loading} onClick={() => onPage(page + 1)}>
        下一页
      </button>
    </div>
  );
}
