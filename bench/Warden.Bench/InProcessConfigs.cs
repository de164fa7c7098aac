using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Warden.Bench;

/// <summary>
/// In-process benchmark jobs (emit toolchain, one launch), short on purpose: their figures compare the rows of one
/// run, not runs with each other.
/// </summary>
internal abstract class InProcessJobConfig : ManualConfig
{
    protected InProcessJobConfig(int warmups, int iterations) =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations).WithToolchain(InProcessEmitToolchain.Instance));
}

/// <summary>3 warm-up and 10 measured iterations.</summary>
internal sealed class InProcessConfig : InProcessJobConfig
{
    public InProcessConfig()
        : base(3, 10)
    {
    }
}

/// <summary>3 warm-up and 15 measured iterations, for rows that differ by less than 10 iterations' spread.</summary>
internal sealed class InProcessLongConfig : InProcessJobConfig
{
    public InProcessLongConfig()
        : base(3, 15)
    {
    }
}

/// <summary>2 warm-up and 10 measured iterations, for benchmarks whose iterations are long (queries over a large log).</summary>
internal sealed class InProcessShortWarmupConfig : InProcessJobConfig
{
    public InProcessShortWarmupConfig()
        : base(2, 10)
    {
    }
}
