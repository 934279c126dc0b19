// Dev-only consumer of the queue pattern's dead-letter queue: says on the console which messages
// landed there (past max_retries), so a failing Bento shows up in `bento-cf dev`'s output.

export default {
  async queue(batch) {
    const ids = batch.messages.map(message => message.id);
    console.log(
      `[bento-cf dev] ${ids.length} message(s) moved to the dead-letter queue ${batch.queue} ` +
        `after the retries ran out: ${ids.join(', ')}`,
    );
    batch.ackAll();
  },
};
