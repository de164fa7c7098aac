using System.Reflection;
using Orleans.Runtime;
using Orleans.Serialization.Activators;
using Orleans.Storage;
using Warden.Grains.Persistence;

namespace Warden.Grains.Tests.Persistence;

public sealed class DirectPersistentStateTests
{
    private static readonly GrainId Grain = GrainId.Create("session", "t1/s1");

    [Fact]
    public void WriteState_StorageCompletesSynchronously_CompletesSynchronouslyWithTheStoragesETag()
    {
        var storage = new RecordingStorage();
        var state = Create(storage);
        state.State = new Counter { Value = 7 };

        var write = state.WriteStateAsync();

        // The point of the type: no yield, no work item; the grain's await goes straight on.
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(["write session 7"], storage.Calls);
        Assert.Equal("1", state.Etag);
        Assert.True(state.RecordExists);
    }

    [Fact]
    public async Task WriteState_StorageThrowsSynchronously_FaultsWithAnOrleansExceptionWrappingIt()
    {
        var storage = new RecordingStorage { Failure = new IOException("disk gone") };
        var state = Create(storage);

        var write = state.WriteStateAsync();

        Assert.True(write.IsFaulted);
        var error = await Assert.ThrowsAsync<OrleansException>(() => write);
        Assert.IsType<IOException>(error.InnerException);
    }

    [Fact]
    public async Task WriteState_StorageReportsAVersionConflict_PassesItUnchanged()
    {
        var storage = new RecordingStorage { Failure = new InconsistentStateException("stale", "2", "1") };
        var state = Create(storage);

        await Assert.ThrowsAsync<InconsistentStateException>(state.WriteStateAsync);
    }

    [Fact]
    public async Task WriteState_AsynchronousStorageFails_FaultsWithAnOrleansExceptionAfterTheAwait()
    {
        var storage = new RecordingStorage { Asynchronous = true, Failure = new TimeoutException("slow") };
        var state = Create(storage);

        var error = await Assert.ThrowsAsync<OrleansException>(state.WriteStateAsync);

        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task ReadThenClear_AsynchronousStorage_LoadsTheStoredStateThenResetsIt()
    {
        var storage = new RecordingStorage { Asynchronous = true, Stored = new Counter { Value = 42 } };
        var state = Create(storage);

        await state.ReadStateAsync();
        Assert.Equal(42, state.State.Value);
        Assert.Equal("1", state.Etag);
        Assert.True(state.RecordExists);

        await state.ClearStateAsync();
        Assert.Equal(0, state.State.Value);
        Assert.False(state.RecordExists);
        Assert.Equal(["read session", "clear session"], storage.Calls);
    }

    [Fact]
    public void Mapper_ParameterNotPersistentState_Throws()
    {
        var parameter = typeof(DirectPersistentStateTests).GetMethod(nameof(NotAState), BindingFlags.NonPublic | BindingFlags.Static)!.GetParameters()[0];

        Assert.Throws<InvalidOperationException>(() => new DirectPersistentStateMapper().GetFactory(parameter, new DirectPersistentStateAttribute("session", "warden")));
    }

    private static void NotAState(string state) => _ = state;

    private static DirectPersistentState<Counter> Create(IGrainStorage storage) =>
        new("session", GrainContextStub.For(Grain), storage, new CounterActivator());

    /// <summary>The state type of these tests.</summary>
    public sealed class Counter
    {
        public int Value { get; set; }
    }

    private sealed class CounterActivator : IActivator<Counter>
    {
        public Counter Create() => new();
    }

    /// <summary>A grain storage that records each call and can fail, synchronously or after a yield.</summary>
    private sealed class RecordingStorage : IGrainStorage
    {
        public List<string> Calls { get; } = [];

        public Exception? Failure { get; init; }

        public bool Asynchronous { get; init; }

        public Counter? Stored { get; init; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
        {
            Calls.Add($"read {stateName}");
            grainState.State = (T)(object)(Stored ?? new Counter());
            grainState.ETag = Stored is null ? null : "1";
            grainState.RecordExists = Stored is not null;
        });

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
        {
            Calls.Add($"write {stateName} {((Counter)(object)grainState.State!).Value}");
            grainState.ETag = "1";
            grainState.RecordExists = true;
        });

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
        {
            Calls.Add($"clear {stateName}");
            grainState.ETag = "2";
            grainState.RecordExists = false;
        });

        private Task Run(Action operation)
        {
            if (!Asynchronous)
            {
                if (Failure is not null)
                {
                    throw Failure;
                }

                operation();
                return Task.CompletedTask;
            }

            return RunLaterAsync(operation);
        }

        private async Task RunLaterAsync(Action operation)
        {
            await Task.Yield();
            if (Failure is not null)
            {
                throw Failure;
            }

            operation();
        }
    }

    /// <summary>An <see cref="IGrainContext"/> that only knows its grain id (all the state asks of it).</summary>
    public class GrainContextStub : DispatchProxy
    {
        private GrainId _grainId;

        public static IGrainContext For(GrainId grainId)
        {
            var context = DispatchProxy.Create<IGrainContext, GrainContextStub>();
            ((GrainContextStub)(object)context)._grainId = grainId;
            return context;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_GrainId" ? _grainId : throw new NotSupportedException(targetMethod?.Name);
    }
}
