using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Warden.RevocationBench;

/// <summary>
/// <c>--alloc</c>: the runtime's allocation ticks (one event per ~100 KB allocated, naming the type that crossed the
/// mark) counted by type while session revokes run, to tell which allocations make the collections the samples meet.
/// A sampled view: a type's share of the ticks estimates its share of the bytes.
/// </summary>
internal sealed class AllocationTicks : EventListener
{
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private volatile bool _counting;

    public void Start() => _counting = true;

    public void Stop() => _counting = false;

    public void Print(string scope, int calls, int top = 25)
    {
        var total = _ticks.Values.Sum();
        Console.WriteLine($"{scope} allocation ticks: {total} (~{total * 100 / Math.Max(1, calls)} KB per revoke), top types:");
        foreach (var (type, count) in _ticks.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,6} {100.0 * count / Math.Max(1, total),5:F1} %  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var index = eventData.PayloadNames?.IndexOf("TypeName") ?? -1;
        var type = index >= 0 ? eventData.Payload[index] as string ?? "?" : "?";
        _ticks.AddOrUpdate(type, 1, static (_, n) => n + 1);
    }
}
