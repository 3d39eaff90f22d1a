/** What differs between the nodes of one cluster, and what a test may tune. */
export interface ClusterShape {
  /** Number of nodes; each is broker and controller (combined KRaft mode). */
  nodes: number;
  /** Partitions of an auto-created topic (the dev broker's default is 1). */
  partitions: number;
  /** Smallest consumer session timeout the group coordinator accepts (Kafka's default is 6 s). */
  minSessionTimeoutMs: number;
}

export interface NodePorts {
  nodeId: number;
  port: number;
  controllerPort: number;
}

/**
 * server.properties of one node. Replication follows the cluster's size: with 3 nodes every topic
 * (internal ones included) has 3 replicas and needs 2 in sync for an acks=all write.
 */
export const serverProperties = (
  shape: ClusterShape,
  self: NodePorts,
  all: NodePorts[],
  logDir: string,
  hosts: { host?: string; advertisedHost?: string } = {},
): string => {
  const host = hosts.host ?? '127.0.0.1';
  const rf = Math.min(shape.nodes, 3);
  const minIsr = rf >= 3 ? 2 : 1;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': self.nodeId,
    'controller.quorum.voters': all.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${host}:${self.port},CONTROLLER://127.0.0.1:${self.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${hosts.advertisedHost ?? host}:${self.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': shape.partitions,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    // Fewer internal partitions than the default 50: quicker to create, still spread over the nodes.
    'offsets.topic.num.partitions': 6,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 6,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'auto.create.topics.enable': true,
    'unclean.leader.election.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': shape.minSessionTimeoutMs,
    // A killed node's partitions move within seconds, not the default 9 s broker session.
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 500,
    'log.segment.bytes': 16 * 1024 * 1024,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
};

export const LOG4J2_PROPERTIES = `# Warnings and the start line only; a test's broker log is kept for diagnosis.
rootLogger.level=WARN
rootLogger.appenderRef.out.ref=OUT
appender.out.type=Console
appender.out.name=OUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d{HH:mm:ss.SSS}] %p %m (%c)%n
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
`;
