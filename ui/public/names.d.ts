/** What was typed, without the white space around it. */
export function typedName(raw: string): string;

/** Why `name` would be refused (the UI server's words), or `null`. */
export function nameProblem(name: string, what: string): string | null;
