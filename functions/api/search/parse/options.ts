/** Options of one parse: `Prefer: handling=lenient` and the page-size configuration. */
export interface ParseOptions {
  /** Skip (and report in `ignored`) unknown or unsupported parameters instead of failing. */
  readonly lenient: boolean;
  /** `_count` when the client gives none. */
  readonly defaultCount: number;
  /** Larger `_count` values are clamped to this. */
  readonly maxCount: number;
}
