using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Warden.Protocol.V1;

namespace Warden.Client.Streaming;

/// <summary>
/// Many evaluations over one bidirectional stream. Thread-safe: any number of callers may evaluate at once;
/// answers are matched by correlation id. At most <c>maxInFlight</c> evaluations wait for an answer at once;
/// further callers wait for a slot (back-pressure). An item the server refuses fails only that call, with an
/// <see cref="RpcException"/> of the item's status; a broken stream fails every waiting call.
/// </summary>
public sealed class WardenEvaluateStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<EvaluateStreamRequest, EvaluateStreamResponse> _call;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<EvaluateResponse>> _pending = new();
    private readonly Channel<EvaluateStreamRequest> _outgoing;
    private readonly SemaphoreSlim _slots;
    private readonly Task _writer;
    private readonly Task _reader;
    private long _nextId;
    private volatile Exception? _failure;

    internal WardenEvaluateStream(AsyncDuplexStreamingCall<EvaluateStreamRequest, EvaluateStreamResponse> call, int maxInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _call = call;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        _outgoing = Channel.CreateUnbounded<EvaluateStreamRequest>(new UnboundedChannelOptions { SingleReader = true });
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Evaluates one action in a session over the stream.</summary>
    public Task<EvaluateResponse> EvaluateAsync(string sessionId, string action, Resource resource, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var request = new EvaluateRequest { SessionId = sessionId, Action = action, Resource = resource };
        WardenModel.SetArguments(request, arguments);
        return EvaluateAsync(request, cancellationToken);
    }

    /// <summary>Evaluates one full request over the stream.</summary>
    public async Task<EvaluateResponse> EvaluateAsync(EvaluateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfFailed();
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<EvaluateResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        if (!_outgoing.Writer.TryWrite(new EvaluateStreamRequest { CorrelationId = id, Request = request }))
        {
            _pending.TryRemove(id, out _);
            _slots.Release();
            ThrowIfFailed();
            throw new ObjectDisposedException(nameof(WardenEvaluateStream));
        }

        // A failure that raced with the registration above must not leave this call waiting forever.
        if (_failure is { } failure && _pending.TryRemove(id, out _))
        {
            _slots.Release();
            completion.TrySetException(failure);
        }

        return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the request stream, waits for the answers still due, and releases the call.</summary>
    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
            await _reader.ConfigureAwait(false);
        }
        finally
        {
            Fail(new ObjectDisposedException(nameof(WardenEvaluateStream)));
            _call.Dispose();
            _slots.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var item in _outgoing.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await _call.RequestStream.WriteAsync(item).ConfigureAwait(false);
            }

            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            Fail(e);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await foreach (var response in _call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
            {
                if (!_pending.TryRemove(response.CorrelationId, out var completion))
                {
                    continue;
                }

                _slots.Release();
                if (response.ResultCase == EvaluateStreamResponse.ResultOneofCase.Response)
                {
                    completion.TrySetResult(response.Response);
                }
                else
                {
                    completion.TrySetException(ToException(response.Error));
                }
            }

            Fail(new RpcException(new Status(StatusCode.Unavailable, "The evaluate stream ended.")));
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            Fail(e);
        }
    }

    private static RpcException ToException(ItemError? error)
    {
        if (error is null)
        {
            return new RpcException(new Status(StatusCode.Internal, "The server answered an item with neither a decision nor an error."));
        }

        var message = error.Message;
        if (error.FieldViolations.Count > 0)
        {
            message += " (" + string.Join("; ", error.FieldViolations.Select(v => v.Field + ": " + v.Description)) + ")";
        }

        return new RpcException(new Status((StatusCode)error.Code, message));
    }

    private void Fail(Exception failure)
    {
        _failure ??= failure;
        _outgoing.Writer.TryComplete();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var completion))
            {
                _slots.Release();
                completion.TrySetException(failure);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw failure is RpcException rpc
                ? new RpcException(rpc.Status)
                : new RpcException(new Status(StatusCode.Unavailable, "The evaluate stream is closed: " + failure.Message));
        }
    }
}
