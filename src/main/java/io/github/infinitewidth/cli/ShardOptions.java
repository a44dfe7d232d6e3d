package io.github.infinitewidth.cli;

import picocli.CommandLine.Option;

/** Which tasks of a sweep this process runs, and how many at once ({@code sweep}, {@code compare}). */
final class ShardOptions {
    @Option(names = "--shard-index", paramLabel = "i", description = "This shard, 0 <= i < k (with --shard-count).")
    Integer shardIndex;

    @Option(names = "--shard-count", paramLabel = "k", description = "Number of shards; task t belongs to shard t mod k.")
    Integer shardCount;

    @Option(names = "--parallel", paramLabel = "p", defaultValue = "1",
            description = "Tasks run at the same time (default 1); results do not depend on it.")
    int parallel;
}
