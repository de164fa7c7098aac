using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Orleans.Runtime;

namespace Warden.RevocationBench;

/// <summary>
/// <c>--trace</c>: where the time of each session revoke went. Grain call filters on the three silos (they share this
/// process, so one static recorder sees them all) stamp the session grain's <c>RevokeAsync</c> turn and its state
/// write as the session grain sends it and as the memory storage grain serves it; around each sample the process's GC
/// count and pause time, JIT-compiled methods and lock contentions are read. The slowest samples are printed with
/// their stages, and every sample is classified by what its tail coincided with.
/// </summary>
internal static class SampleProbe
{
    private static readonly ConcurrentQueue<(string Stage, long Start, long End)> Stamps = new();
    private static volatile bool s_active;

    /// <summary>Whether filters record (only while a traced sample runs).</summary>
    public static bool Active => s_active;

    /// <summary>Adds the recording filters to a silo.</summary>
    public static void Register(ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter(async context =>
        {
            if (!s_active)
            {
                await context.Invoke();
                return;
            }

            var stage = context.MethodName switch
            {
                "RevokeAsync" when context.TargetId.Type.ToString() == Warden.Grains.Hosting.GrainTypes.Session => "session turn",
                "WriteStateAsync<T>" when context.Grain?.GetType().Name == "MemoryStorageGrain" => "storage serve",
                _ => null,
            };
            var start = Stopwatch.GetTimestamp();
            await context.Invoke();
            if (stage is not null)
            {
                Stamps.Enqueue((stage, start, Stopwatch.GetTimestamp()));
            }
        });
        silo.AddOutgoingGrainCallFilter(async context =>
        {
            if (!s_active || context.MethodName != "WriteStateAsync<T>" || context.SourceId?.Type.ToString() != Warden.Grains.Hosting.GrainTypes.Session)
            {
                await context.Invoke();
                return;
            }

            var start = Stopwatch.GetTimestamp();
            await context.Invoke();
            Stamps.Enqueue(("storage call", start, Stopwatch.GetTimestamp()));
        });
    }

    /// <summary>The process's GC and allocations over a whole phase (samples, warm-up and the gaps between them).</summary>
    public sealed class Phase
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly long _allocated = GC.GetTotalAllocatedBytes();
        private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        private readonly TimeSpan _pause = GC.GetTotalPauseDuration();

        public string Describe(int calls)
        {
            var seconds = Latency.Ms(Stopwatch.GetTimestamp() - _start) / 1000;
            var allocated = GC.GetTotalAllocatedBytes() - _allocated;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"whole phase {seconds:F1} s, {calls} revokes: GCs {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]} (gen0/1/2), pause {(GC.GetTotalPauseDuration() - _pause).TotalMilliseconds:F1} ms, allocated {allocated / 1024.0 / 1024:F1} MiB ({allocated / 1024.0 / calls:F0} KiB per revoke, everything in the process included)");
        }
    }

    /// <summary>One traced sample: the call and what the process did meanwhile.</summary>
    public sealed class Sample
    {
        private readonly long _start;
        private readonly int[] _gcStart = new int[3];
        private readonly TimeSpan _pauseStart;
        private readonly long _jitStart;
        private readonly TimeSpan _jitTimeStart;
        private readonly long _contentionStart;

        public Sample(int index)
        {
            Index = index;
            while (Stamps.TryDequeue(out _))
            {
            }

            for (var g = 0; g < 3; g++)
            {
                _gcStart[g] = GC.CollectionCount(g);
            }

            _pauseStart = GC.GetTotalPauseDuration();
            _jitStart = System.Runtime.JitInfo.GetCompiledMethodCount();
            _jitTimeStart = System.Runtime.JitInfo.GetCompilationTime();
            _contentionStart = Monitor.LockContentionCount;
            PendingWork = ThreadPool.PendingWorkItemCount;
            s_active = true;
            _start = Stopwatch.GetTimestamp();
        }

        public int Index { get; }

        public long Total { get; private set; }

        public long PendingWork { get; }

        public int[] Collections { get; } = new int[3];

        public double PauseMs { get; private set; }

        public long JitMethods { get; private set; }

        public double JitMs { get; private set; }

        public long Contentions { get; private set; }

        /// <summary>Client send → session turn start; turn start → storage call; storage call; storage served; after it → turn end; turn end → client.</summary>
        public double[] Stages { get; } = new double[6];

        public void Stop()
        {
            var end = Stopwatch.GetTimestamp();
            s_active = false;
            Total = end - _start;
            for (var g = 0; g < 3; g++)
            {
                Collections[g] = GC.CollectionCount(g) - _gcStart[g];
            }

            PauseMs = (GC.GetTotalPauseDuration() - _pauseStart).TotalMilliseconds;
            JitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - _jitStart;
            JitMs = (System.Runtime.JitInfo.GetCompilationTime() - _jitTimeStart).TotalMilliseconds;
            Contentions = Monitor.LockContentionCount - _contentionStart;
            (long Start, long End)? turn = null, call = null, serve = null;
            var serves = new List<(long Start, long End)>();
            while (Stamps.TryDequeue(out var s))
            {
                switch (s.Stage)
                {
                    case "session turn": turn = (s.Start, s.End); break;
                    case "storage call": call = (s.Start, s.End); break;
                    case "storage serve": serves.Add((s.Start, s.End)); break;
                }
            }

            // Other grains' writes (the agent's registry note of an earlier revoke) may be served meanwhile: take the
            // one inside the session's call.
            if (call is { } sent)
            {
                serve = serves.Where(s => s.Start >= sent.Start && s.End <= sent.End).Select(s => ((long, long)?)s).FirstOrDefault();
            }

            if (turn is { } t && call is { } c)
            {
                Stages[0] = Latency.Ms(t.Start - _start);
                Stages[1] = Latency.Ms(c.Start - t.Start);
                Stages[2] = Latency.Ms(c.End - c.Start);
                Stages[3] = serve is { } s ? Latency.Ms(s.End - s.Start) : double.NaN;
                Stages[4] = Latency.Ms(t.End - c.End);
                Stages[5] = Latency.Ms(end - t.End);
            }
            else
            {
                Array.Fill(Stages, double.NaN);
            }
        }

        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"#{Index,3} {Latency.Ms(Total),7:F2} ms | in {Stages[0],6:F2} pre {Stages[1],5:F2} write {Stages[2],6:F2} (served {Stages[3],5:F2}) post {Stages[4],5:F2} out {Stages[5],6:F2} | gc {Collections[0]}/{Collections[1]}/{Collections[2]} pause {PauseMs,5:F2} | jit {JitMethods,3} {JitMs,5:F1} ms | contention {Contentions} | pool queue {PendingWork}");
    }

    /// <summary>The slowest samples in full and a summary of what the ones over <paramref name="thresholdMs"/> coincided with.</summary>
    public static void Print(string scope, IReadOnlyList<Sample> samples, double thresholdMs, int slowest = 15)
    {
        Console.WriteLine($"{scope} trace: stages in ms (in = client→session turn, pre = turn→write sent, write = state write round trip, served = storage grain's own time, post = write→turn end, out = turn end→client)");
        foreach (var s in samples.OrderByDescending(s => s.Total).Take(slowest))
        {
            Console.WriteLine("  " + s.Describe());
        }

        var slow = samples.Where(s => Latency.Ms(s.Total) > thresholdMs).ToList();
        var withGc = slow.Count(s => s.PauseMs > 0);
        var withJit = slow.Count(s => s.JitMethods > 0);
        var allGc = samples.Count(s => s.PauseMs > 0);
        var allJit = samples.Count(s => s.JitMethods > 0);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{scope} trace: {slow.Count} of {samples.Count} samples over {thresholdMs} ms; of those {withGc} saw a GC pause (all samples: {allGc}), {withJit} saw JIT compilation (all samples: {allJit}); GC pause inside the slow samples {slow.Sum(s => s.PauseMs):F1} ms of {slow.Sum(s => Latency.Ms(s.Total)):F1} ms"));
        if (slow.Count > 0)
        {
            string Mean(Func<Sample, double> f) => slow.Select(f).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Average().ToString("F2", CultureInfo.InvariantCulture);
            string All(Func<Sample, double> f) => samples.Select(f).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Average().ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{scope} trace: mean stages, slow samples vs all: in {Mean(s => s.Stages[0])} / {All(s => s.Stages[0])}, pre {Mean(s => s.Stages[1])} / {All(s => s.Stages[1])}, write {Mean(s => s.Stages[2])} / {All(s => s.Stages[2])}, served {Mean(s => s.Stages[3])} / {All(s => s.Stages[3])}, post {Mean(s => s.Stages[4])} / {All(s => s.Stages[4])}, out {Mean(s => s.Stages[5])} / {All(s => s.Stages[5])}");
        }

        string Median(int stage)
        {
            var values = samples.Select(s => s.Stages[stage]).Where(v => !double.IsNaN(v)).Order().ToList();
            return values.Count == 0 ? "–" : $"{values[values.Count / 2].ToString("F3", CultureInfo.InvariantCulture)} (min {values[0].ToString("F3", CultureInfo.InvariantCulture)})";
        }

        Console.WriteLine($"{scope} trace: median stages of all samples: in {Median(0)}, pre {Median(1)}, write {Median(2)}, served {Median(3)}, post {Median(4)}, out {Median(5)}");
        Console.WriteLine($"process GC mode: server={GCSettings.IsServerGC}, latency mode {GCSettings.LatencyMode}");
    }
}
