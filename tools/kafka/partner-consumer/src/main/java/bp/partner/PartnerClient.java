package bp.partner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a partner writes with the Java client, nothing tuned: only the bootstrap servers, the group,
 * the (de)serializers and, for a new group that must read the history, auto.offset.reset=earliest.
 * Prints one JSON line per record on stdout, so a test can check what a partner sees.
 *
 *   consume <bootstrap> <groupId> <topic,topic...> <records to read> <timeout ms>
 *   produce <bootstrap> <topic> <records>     (defaults: acks=all, idempotence on: InitProducerId)
 */
public final class PartnerClient {
  public static void main(String[] args) throws Exception {
    if (args.length >= 5 && args[0].equals("consume")) consume(args[1], args[2], Arrays.asList(args[3].split(",")), Integer.parseInt(args[4]), args.length > 5 ? Long.parseLong(args[5]) : 60_000L);
    else if (args.length == 4 && args[0].equals("produce")) produce(args[1], args[2], Integer.parseInt(args[3]));
    else {
      System.err.println("usage: consume <bootstrap> <groupId> <topics> <records> [timeoutMs] | produce <bootstrap> <topic> <records>");
      System.exit(2);
    }
  }

  private static void consume(String bootstrap, String groupId, List<String> topics, int wanted, long timeoutMs) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    int read = 0;
    long deadline = System.currentTimeMillis() + timeoutMs;
    // close() commits the offsets of what was polled (enable.auto.commit, the default).
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(topics);
      while (read < wanted && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder headers = new StringBuilder("{");
          for (Header h : r.headers()) {
            if (headers.length() > 1) headers.append(',');
            headers.append(json(h.key())).append(':').append(h.value() == null ? "null" : json(new String(h.value(), StandardCharsets.UTF_8)));
          }
          headers.append('}');
          System.out.println("{\"topic\":" + json(r.topic()) + ",\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"key\":" + json(r.key())
              + ",\"headers\":" + headers + ",\"value\":" + json(r.value()) + "}");
          read++;
        }
      }
    }
    System.out.flush();
    if (read < wanted) {
      System.err.println("read " + read + " of " + wanted + " records before the timeout");
      System.exit(1);
    }
  }

  private static void produce(String bootstrap, String topic, int count) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) sent.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 10), "value-" + i)));
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get();
        System.out.println("{\"partition\":" + m.partition() + ",\"offset\":" + m.offset() + "}");
      }
    }
  }

  /** A JSON string literal (or null). */
  private static String json(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
