/** How one acceptance result is shown. */
export interface ResultLook {
  /** Also the result's CSS class. */
  status: "pass" | "partial" | "fail";
  /** The marker shown. */
  icon: string;
  /** The marker's accessible label. */
  label: string;
}

/** The status of a result, with its marker and label. */
export function resultLook(
  result: { passed: boolean; partial?: boolean } | null | undefined,
): ResultLook;
