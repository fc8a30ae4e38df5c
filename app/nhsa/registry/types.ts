/**
 * The interface registry as data: one InterfaceSpec per infno. The client validates outgoing input
 * against it, the client checks replies against it (warnings only), and the sandbox center parses
 * requests with it. Where the shared notes are unsure, the choice is written in `note` next to the
 * definition, and region profiles may override node names and required flags.
 */

/** C string, N number, D date yyyy-MM-dd, DT date-time yyyy-MM-dd HH:mm:ss, B bytes (file content). */
export type FieldType = 'C' | 'N' | 'D' | 'DT' | 'B';

export interface FieldSpec {
  /** wire name, exactly as sent */
  name: string;
  /** Chinese name from the specification */
  label: string;
  type: FieldType;
  /** C: maximum characters; N: total digits */
  length?: number;
  /** N: digits after the decimal point */
  scale?: number;
  /**
   * true: must be present and non-empty; false: optional; 'conditional': required only in a case
   * the `note` states — the client checks the ones it knows about in code (e.g. card_sn for cert type 03)
   */
  required: boolean | 'conditional';
  /** dictionary the value comes from (see codesets.ts) */
  codeSet?: string;
  note?: string;
}

export interface NodeSpec {
  /** key under `input` / `output`; '' means the fields sit directly under it */
  node: string;
  /** one object, or a list of objects */
  shape: 'object' | 'list';
  required?: boolean;
  fields: FieldSpec[];
  note?: string;
}

export type Confidence = 'high' | 'medium' | 'low' | 'none';

export interface InterfaceSpec {
  infno: string;
  name: string;
  /** one of the 59 interfaces of the retail-pharmacy acceptance test */
  mandatory: boolean;
  /** 一级分类 / 二级分类 of the interface list */
  group: string;
  input: NodeSpec[];
  output: NodeSpec[];
  /** how far the field list can be trusted (interfaces.md) */
  confidence: Confidence;
  /** file transfer: 9101 sends bytes, 9102 answers with bytes */
  file?: 'upload' | 'download';
  /** an unknown outcome must be reversed with 2601 */
  reversible?: boolean;
  /** where the notes disagreed or were silent, what we chose and why */
  note?: string;
  /** the shared note this comes from, e.g. "settlement.md §3" */
  source: string;
}
