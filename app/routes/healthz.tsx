// Liveness for process managers and the demo: the web process is up and its routes are loaded.
export const loader = () => new Response("ok", { headers: { "Content-Type": "text/plain" } });
