// Jest global setup: which Kafka the Kafka-touching test files start for themselves (BP_KAFKA):
// Apache Kafka when Java is here (CI requires it), else the dev broker, said loudly.
async function setup() {
  require('./swc-register');
  const { prepareTestKafka } = require('../libs/testing/src/kafka-choice');
  const line = await prepareTestKafka();
  process.stdout.write(`\n${line}\n`);
}

module.exports = { setup };
