import { ConsumerGroups, Topics } from '@bp/contracts';
import { groupCoordinator } from '@bp/kafka-apache';
import { ServiceNames } from '@bp/runtime';
import { Kafka, logLevel } from 'kafkajs';
import { recordResult } from '../../security/support/results';
import { runFaultCampaign } from './support/fault-campaign';
import { type StallMonitor, watchGroupStalls } from './support/group-stalls';
import { type ServiceProcesses, startServiceProcesses, type Target } from './support/processes';

/**
 * Issue 16, items 4 and 5: the system on a 3-node Apache Kafka cluster (KRaft; replication 3,
 * min.insync.replicas 2, 6 partitions per topic; the relay sends with acks=all) with TWO instances of
 * every service. While storefronts drive CLUSTER_LIFECYCLES lifecycles (round-robin over the
 * instances, failing over to the twin), a seeded loop SIGKILLs, one at a time, a Kafka node (the
 * leader of an orders.v1 partition, the group coordinator of a service's consumer group, or any) or
 * a service instance, and starts it again. Then, as in fault-injection: 0 events lost, 0 effects
 * applied twice, 0 money violations (ops verify), every lifecycle in its expected final state; and
 * the longest stall of each consumer group is printed. Before the faults: each group's six
 * partitions are split across its two instances.
 */
const N = Number(process.env.CLUSTER_LIFECYCLES ?? 120);
const KILLS = Number(process.env.CLUSTER_KILLS ?? 16);
const SEED = process.env.CLUSTER_SEED ? Number(process.env.CLUSTER_SEED) : Math.floor(Math.random() * 2 ** 31);
const SESSION_MS = 6000;

const onApache = process.env.BP_KAFKA === 'apache';
// BP_KAFKA_CLUSTER=0 leaves it out of a local run (it takes minutes); CI always runs it.
const declined = process.env.BP_KAFKA_CLUSTER === '0' && process.env.CI !== 'true';
const suite = onApache && !declined ? describe : describe.skip;
const title = !onApache
  ? 'SKIPPED (needs Apache Kafka: Java 17 and Maven; this run is on the dev broker): a 3-node Kafka cluster under kill -9'
  : declined
    ? 'SKIPPED (BP_KAFKA_CLUSTER=0 declined it for this local run): a 3-node Kafka cluster under kill -9'
    : 'a 3-node Kafka cluster and two instances per service under kill -9 (issue 16)';

suite(title, () => {
  let sys: ServiceProcesses | undefined;
  let admin: ReturnType<Kafka['admin']> | undefined;
  let stalls: StallMonitor | undefined;
  let failed = false;

  beforeAll(async () => {
    sys = await startServiceProcesses({
      broker: 'cluster',
      instances: 2,
      env: { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: String(SESSION_MS), DB_POOL_MAX: '5' },
      readyTimeoutMs: 120_000,
    });
    admin = new Kafka({ clientId: 'cluster-test', brokers: sys.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  }, 300_000);

  afterAll(async () => {
    await stalls?.stop();
    await admin?.disconnect();
    await sys?.stop({ keepLogs: failed });
  }, 120_000);

  /** node id → target name; the live nodes' addresses to ask. */
  const nodeTarget = (id: number) => `broker-${id}` as Target;

  it('splits each consumer group’s partitions across its two instances', async () => {
    const groups = Object.values(ConsumerGroups);
    const deadline = Date.now() + 60_000;
    let described: Awaited<ReturnType<NonNullable<typeof admin>['describeGroups']>> | undefined;
    // Rebalances after the second instance joined settle within a session or two.
    for (;;) {
      described = await admin!.describeGroups(groups);
      if (described.groups.every((g) => g.state === 'Stable' && g.members.length === 2)) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const g of described!.groups) {
      expect({ group: g.groupId, state: g.state, members: g.members.length }).toEqual({ group: g.groupId, state: 'Stable', members: 2 });
    }
    const meta = await admin!.fetchTopicMetadata({ topics: [Topics.orders] });
    expect(meta.topics[0]!.partitions).toHaveLength(6);
    expect(new Set(meta.topics[0]!.partitions.map((p) => p.replicas.length))).toEqual(new Set([3]));
  }, 120_000);

  it(
    `${N} lifecycles, ${KILLS} kills of Kafka nodes (leaders, coordinators) and service instances: 0 lost, 0 duplicated, 0 money violations`,
    async () => {
      const s = sys!;
      const nodes = s.kafka.nodes as Target[];
      const services = s.instances;
      stalls = await watchGroupStalls({
        brokers: s.brokers,
        groups: {
          [ConsumerGroups.order]: [Topics.escrow, Topics.disputes],
          [ConsumerGroups.escrow]: [Topics.orders, Topics.disputes],
          [ConsumerGroups.dispute]: [Topics.orders, Topics.buyers],
        },
      });
      const kinds: Record<string, number> = { leader: 0, coordinator: 0, node: 0, service: 0 };
      const live = () => s.brokers.split(',').map((b) => ({ host: b.split(':')[0]!, port: Number(b.split(':')[1]) }));
      const pickBroker = async (rng: () => number): Promise<Target> => {
        const roll = rng();
        try {
          if (roll < 0.4) {
            const meta = await admin!.fetchTopicMetadata({ topics: [Topics.orders] });
            const parts = meta.topics[0]!.partitions;
            const leader = parts[Math.floor(rng() * parts.length)]!.leader;
            if (leader >= 0) {
              kinds.leader!++;
              return nodeTarget(leader);
            }
          } else if (roll < 0.8) {
            const group = Object.values(ConsumerGroups)[Math.floor(rng() * 4)]!;
            for (const b of live()) {
              const id = await groupCoordinator(b.host, b.port, group).catch(() => undefined);
              if (id !== undefined) {
                kinds.coordinator!++;
                return nodeTarget(id);
              }
            }
          }
        } catch {
          // metadata unavailable for a moment: any node will do
        }
        kinds.node!++;
        return nodes[Math.floor(rng() * nodes.length)]!;
      };
      let k = 0;
      try {
        await runFaultCampaign(s, {
          label: 'cluster',
          lifecycles: N,
          kills: KILLS,
          minKills: Math.floor(KILLS * 0.75),
          seed: SEED,
          seedVariable: 'CLUSTER_SEED',
          concurrency: 16,
          gapMs: [500, 2500],
          downMs: [0, 1500],
          stepMs: 240_000,
          targets: [...nodes, ...services],
          pickTarget: async (rng) => {
            // Brokers and service instances by turns, so both kinds of failure land in the traffic.
            if (k++ % 2 === 0) return pickBroker(rng);
            kinds.service!++;
            return services[Math.floor(rng() * services.length)]!;
          },
          stuckDetail: async () => {
            const described = await admin!.describeGroups(Object.values(ConsumerGroups)).catch((e: Error) => ({ groups: [], error: e.message }));
            const members = described.groups.map((g) => `${g.groupId} ${g.state} ${g.members.length} member(s)`).join('; ');
            return `committed..end offsets of lagging partitions:\n${stalls!.lagging()}\ngroups: ${members}`;
          },
          extraFigures: () => {
            const longest = stalls!.longest();
            const line = `longest consumer stall ${Object.entries(longest)
              .map(([g, ms]) => `${g} ${(ms / 1000).toFixed(1)}s`)
              .join(
                ', ',
              )}; broker kills: ${kinds.leader} partition leaders, ${kinds.coordinator} group coordinators, ${kinds.node} others; ${kinds.service} service instances`;
            recordResult(`cluster stalls: ${line}`);
            return line;
          },
        });
      } catch (err) {
        failed = true;
        throw err;
      }
    },
    40 * 60_000,
  );
});
