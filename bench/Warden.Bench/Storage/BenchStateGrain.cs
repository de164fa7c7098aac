using Warden.Storage;

namespace Warden.Bench.Storage;

/// <summary>A grain that persists a small Warden-sized state on every call.</summary>
[Alias("warden.bench.state")]
public interface IBenchStateGrain : IGrainWithIntegerKey
{
    [Alias("write")]
    Task WriteAsync(long value);
}

/// <summary>The benchmark's grain state: about the size of a session's bookkeeping.</summary>
[GenerateSerializer, Alias("warden.bench.state-value")]
public sealed class BenchState
{
    [Id(0)]
    public long Value { get; set; }

    [Id(1)]
    public string Note { get; set; } = string.Empty;
}

public sealed class BenchStateGrain([PersistentState("bench", WardenStorageNames.Grains)] IPersistentState<BenchState> state)
    : Grain, IBenchStateGrain
{
    private static readonly string Padding = new('x', 200);

    public Task WriteAsync(long value)
    {
        state.State.Value = value;
        state.State.Note = Padding;
        return state.WriteStateAsync();
    }
}
