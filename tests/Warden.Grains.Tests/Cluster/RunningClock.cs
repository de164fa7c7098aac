using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Warden.Grains.Tests.Cluster;

/// <summary>Advances a <see cref="FakeTimeProvider"/> by the real time that passes, so Orleans' own timers keep running.</summary>
/// <remarks>
/// Only whole milliseconds are credited, so a clock that starts on a whole millisecond stays on one. The fake timers
/// count their due time in whole milliseconds: with the clock between two milliseconds, Orleans' <c>DelayUntilAsync</c>
/// (loop: remaining = due − now; delay(remaining)) keeps getting a sub-millisecond remainder, its zero-millisecond timer
/// fires inside the same <see cref="FakeTimeProvider.Advance(TimeSpan)"/>, and that call never returns. It hung a test
/// run for an hour under load.
/// </remarks>
internal sealed class RunningClock : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _clock;
    private readonly PeriodicTimer _timer = new(Tick);
    private readonly Task _loop;

    public RunningClock(FakeTimeProvider clock)
    {
        _clock = clock;
        _loop = RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop;
    }

    private async Task RunAsync()
    {
        var real = Stopwatch.StartNew();
        var credited = TimeSpan.Zero;
        while (await _timer.WaitForNextTickAsync())
        {
            // INVARIANT: whole milliseconds only (see remarks).
            var elapsed = TimeSpan.FromMilliseconds(real.ElapsedMilliseconds);
            if (elapsed > credited)
            {
                _clock.Advance(elapsed - credited);
                credited = elapsed;
            }
        }
    }
}
