using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, e.g. --filter '*Parsing*'; bench/micro.sh runs them all with a short job.
BenchmarkSwitcher.FromAssembly(typeof(TalkingBinaries.Bench.Micro.MessageParsing).Assembly).Run(args);
