using Microsoft.Extensions.Time.Testing;

namespace Warden.Lineage.Tests.Support;

/// <summary>A fake clock that tells the test when code under test starts waiting on a timer.</summary>
internal sealed class SignallingTimeProvider : FakeTimeProvider
{
    private readonly SemaphoreSlim _timers = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Release();
        return timer;
    }

    public Task TimerCreated(CancellationToken cancellationToken = default) => _timers.WaitAsync(cancellationToken);
}
