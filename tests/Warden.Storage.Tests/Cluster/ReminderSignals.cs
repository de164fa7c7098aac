using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Warden.Storage.Tests.Cluster;

/// <summary>
/// Where test grains report reminder ticks, so a test awaits a tick instead of sleeping. Silos of the in-process
/// test cluster share the process, so a static hub reaches them all; each test uses its own grain keys.
/// </summary>
public static class ReminderSignals
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<SiloAddress>> Waiters = new();

    /// <summary>Starts listening for the next tick of <paramref name="grainKey"/>, replacing any earlier listener.</summary>
    public static Task<SiloAddress> Expect(string grainKey)
    {
        var waiter = new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiters[grainKey] = waiter;
        return waiter.Task;
    }

    /// <summary>Stops listening: ticks from now on are ignored.</summary>
    public static void Forget(string grainKey) => Waiters.TryRemove(grainKey, out _);

    internal static void Tick(string grainKey, SiloAddress silo)
    {
        if (Waiters.TryGetValue(grainKey, out var waiter))
        {
            waiter.TrySetResult(silo);
        }
    }
}
