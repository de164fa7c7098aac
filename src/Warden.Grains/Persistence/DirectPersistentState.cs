using Orleans.Serialization.Activators;
using Orleans.Storage;

namespace Warden.Grains.Persistence;

/// <summary>
/// A grain's persistent state that calls its <see cref="IGrainStorage"/> directly: a write that the storage completes
/// synchronously (the in-process memory store) completes the grain's await synchronously too, so the turn goes on
/// without another work item.
/// </summary>
/// <remarks>
/// <para>
/// Orleans' own <c>StateStorageBridge</c> starts every operation by yielding to the activation's scheduler (a queued
/// work item and a continuation task per write, so that concurrent operations of a reentrant grain run one after
/// another), and opens an activity and records storage metrics around it. On the session grain's decision path that
/// yield, with the async state machines of every awaiting caller it forces, came on top of every write.
/// </para>
/// <para>
/// INVARIANT: only for grains that are not reentrant, call no storage operation without awaiting it and have no
/// interleaving timers: operations then never overlap, which is what the bridge's queue guarantees. The read, write
/// and clear semantics (ETag, <see cref="RecordExists"/>, state read during activation, migration) are the bridge's;
/// a failure is wrapped in an <see cref="OrleansException"/> as the bridge does, an Orleans exception (among them
/// <see cref="InconsistentStateException"/>) passes unchanged.
/// </para>
/// </remarks>
/// <typeparam name="TState">The state type.</typeparam>
internal sealed class DirectPersistentState<TState> : IPersistentState<TState>, ILifecycleParticipant<IGrainLifecycle>, IGrainMigrationParticipant
{
    private readonly string _name;
    private readonly IGrainContext _context;
    private readonly IGrainStorage _storage;
    private readonly IActivator<TState> _activator;
    private GrainState<TState> _state;
    private bool _initialized;

    /// <summary>Creates the state of one activation; <see cref="Participate"/> reads it during activation.</summary>
    public DirectPersistentState(string name, IGrainContext context, IGrainStorage storage, IActivator<TState> activator)
    {
        _name = name;
        _context = context;
        _storage = storage;
        _activator = activator;
        _state = new GrainState<TState>(activator.Create());
    }

    /// <inheritdoc/>
    public TState State
    {
        get => _state.State!;
        set => _state.State = value;
    }

    /// <inheritdoc/>
    public string? Etag => _state.ETag;

    /// <inheritdoc/>
    public bool RecordExists => _state.RecordExists;

    private string MigrationKey => "state." + _name;

    /// <inheritdoc/>
    public Task ReadStateAsync()
    {
        _initialized = true;
        return Run(static (s, state) => s._storage.ReadStateAsync(s._name, s._context.GrainId, state), nameof(ReadStateAsync));
    }

    /// <inheritdoc/>
    public Task WriteStateAsync() => Run(static (s, state) => s._storage.WriteStateAsync(s._name, s._context.GrainId, state), nameof(WriteStateAsync));

    /// <inheritdoc/>
    public Task ClearStateAsync() => ClearCoreAsync();

    /// <summary>Reads the state in the activation's setup stage, unless a migration brought it along.</summary>
    public void Participate(IGrainLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(DirectPersistentState<TState>), GrainLifecycleStage.SetupState, OnSetupStateAsync);
        lifecycle.AddMigrationParticipant(this);
    }

    /// <inheritdoc/>
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        dehydrationContext.TryAddValue(MigrationKey, _state);
    }

    /// <inheritdoc/>
    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue<GrainState<TState>>(MigrationKey, out var migrated) && migrated is not null)
        {
            _state = migrated;
            _initialized = true;
        }
    }

    private Task OnSetupStateAsync(CancellationToken cancellationToken) => _initialized ? Task.CompletedTask : ReadStateAsync();

    private async Task ClearCoreAsync()
    {
        await Run(static (s, state) => s._storage.ClearStateAsync(s._name, s._context.GrainId, state), nameof(ClearStateAsync));
        _state.State = _activator.Create();
    }

    /// <summary>
    /// Runs a storage operation: one the storage completed synchronously returns a completed task (no state machine);
    /// a failure, thrown or faulted, becomes a faulted task with the bridge's exception.
    /// </summary>
    private Task Run(Func<DirectPersistentState<TState>, GrainState<TState>, Task> operation, string name)
    {
        Task pending;
        try
        {
            pending = operation(this, _state);
        }
        catch (Exception e)
        {
            return Task.FromException(Wrap(e, name));
        }

        return pending.IsCompletedSuccessfully ? Task.CompletedTask : AwaitAsync(pending, name);
    }

    private async Task AwaitAsync(Task pending, string name)
    {
        try
        {
            await pending;
        }
        catch (Exception e) when (e is not OrleansException)
        {
            throw Wrap(e, name);
        }
    }

    /// <summary>As Orleans' bridge: an Orleans exception passes unchanged, any other is wrapped in one.</summary>
    private Exception Wrap(Exception e, string name) => e as OrleansException
        ?? new OrleansException($"Storage {_storage.GetType().Name} failed to {name} state \"{_name}\" of {_context.GrainId}: {e.Message}", e);
}
