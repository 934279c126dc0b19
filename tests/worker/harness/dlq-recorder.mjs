// Test-only consumer of the dead-letter queue: reports every message that lands there to the
// stand-in (POST /__standin/dlq) and acknowledges it.

export default {
  async queue(batch, env) {
    const messages = batch.messages.map(message => ({
      id: message.id,
      attempts: message.attempts,
      body: bodyText(message.body),
    }));
    const response = await fetch(`${env.STANDIN_URL}/__standin/dlq`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: batch.queue, messages }),
    });
    if (response.ok) batch.ackAll();
    else batch.retryAll();
  },
};

function bodyText(body) {
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  return typeof body === 'string' ? body : JSON.stringify(body);
}
