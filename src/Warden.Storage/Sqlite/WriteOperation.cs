namespace Warden.Storage.Sqlite;

/// <summary>
/// One write queued for the store's writer thread. The writer runs a batch of them in one transaction and
/// completes each only after that transaction committed: a completed task is an acknowledged, durable write.
/// </summary>
internal abstract class WriteOperation
{
    /// <summary>Runs inside the batch transaction, on the writer thread.</summary>
    internal abstract void Execute(SqliteWriter writer);

    /// <summary>Reports success; called only after the transaction committed.</summary>
    internal abstract void Complete();

    /// <summary>Reports failure; nothing of this operation was committed.</summary>
    internal abstract void Fail(Exception error);
}

/// <summary>A queued write with a result.</summary>
/// <typeparam name="TResult">What the caller learns once the write committed.</typeparam>
internal abstract class WriteOperation<TResult> : WriteOperation
{
    // INVARIANT: continuations never run on the writer thread, which must get back to committing.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;

    public Task<TResult> Completion => _completion.Task;

    internal sealed override void Execute(SqliteWriter writer) => _result = Run(writer);

    internal sealed override void Complete() => _completion.TrySetResult(_result!);

    internal sealed override void Fail(Exception error) => _completion.TrySetException(error);

    /// <summary>Does the work; a lost optimistic-concurrency race is a result, not an exception.</summary>
    protected abstract TResult Run(SqliteWriter writer);
}
