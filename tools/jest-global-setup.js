module.exports = async () => {
  await require('./test-postgres').setup();
  await require('./test-kafka').setup();
};
