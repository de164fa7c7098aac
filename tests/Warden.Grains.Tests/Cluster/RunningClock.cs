using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Warden.Grains.Tests.Cluster;

/// <summary>Advances a <see cref="FakeTimeProvider"/> by the real time that passes, so Orleans' own timers keep running.</summary>
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
            var elapsed = real.Elapsed;
            _clock.Advance(elapsed - credited);
            credited = elapsed;
        }
    }
}
