module.exports = () => require('./test-postgres').teardown();
