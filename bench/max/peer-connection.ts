/** How bench-max's child processes (stampede runs, rdkafka_performance) get the run's connection settings. */
export interface PeerConnection {
  /** arguments of every child `stampede run` */
  stampedeArgs: string[];
  /** arguments of every rdkafka_performance run */
  rdkafkaArgs: string[];
}

/** The connection flags bench-max was given, as the user typed them. */
export interface ConnectionFlags {
  commandConfig: string | undefined;
  commandProperties: readonly string[];
}

/** `settings`: the resolved connection (resolveConnection), bootstrap.servers included. */
export function peerConnection(flags: ConnectionFlags, settings: Readonly<Record<string, string>>): PeerConnection {
  const stampedeArgs = [
    ...(flags.commandConfig === undefined ? [] : ['--command-config', flags.commandConfig]),
    ...flags.commandProperties.flatMap((pair) => ['--command-property', pair]),
  ];
  const rdkafkaArgs = Object.entries(settings)
    .filter(([key]) => key !== 'bootstrap.servers' && key !== 'client.id')
    .flatMap(([key, value]) => ['-X', `${key}=${value}`]);
  return { stampedeArgs, rdkafkaArgs };
}
