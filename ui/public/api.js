// Talking to the UI server: JSON requests with readable errors, and
// server-sent events over fetch for POST streams (EventSource is GET only).

/** An API failure with the server's message for the person. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page, or an empty body.
  }
  if (!response.ok) {
    const message = body && typeof body.error === "string"
      ? body.error
      : `The server answered ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

/** GET a JSON resource; `query` values are encoded. */
export async function getJson(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const url = params.size > 0 ? `${path}?${params}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "The UI server cannot be reached");
  }
  return parse(response);
}

/** POST a JSON body and return the JSON answer. */
export async function postJson(path, body = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "The UI server cannot be reached");
  }
  return parse(response);
}

/**
 * POSTs `body` and reads the answer as server-sent events, calling
 * `onEvent(name, data)` for each, until the stream ends or `signal` aborts.
 */
export async function postStream(path, body, onEvent, signal) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch {
    if (signal?.aborted) return;
    throw new ApiError(0, "The UI server cannot be reached");
  }
  if (!response.ok || !response.body) await parse(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      let data = null;
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data = line.slice(6);
      }
      if (data !== null) onEvent(name, JSON.parse(data));
    }
  }
}
