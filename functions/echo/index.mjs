// Echoes the event back, for payload-size sweeps. With `{"responseBytes": N}`
// it answers with N bytes instead, for response-size sweeps.
export const handler = async (event) => {
  if (event && typeof event === 'object' && Number.isInteger(event.responseBytes)) {
    return { data: 'x'.repeat(event.responseBytes) };
  }
  return event;
};
