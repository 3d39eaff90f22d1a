module.exports = () => require('./test-postgres').setup();
