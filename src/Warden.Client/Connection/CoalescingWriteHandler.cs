using System.Net;

namespace Warden.Client.Connection;

/// <summary>
/// Sends the request messages of an evaluate stream in as few socket writes as the connection allows. Grpc.Net.Client
/// flushes every message it writes to a request stream, which on HTTP/2 is one DATA frame and one socket write per
/// evaluation: on loopback the biggest part of a streaming agent's CPU. This handler gives the evaluate stream a
/// request body that keeps written messages in memory and sends everything written so far in one write and flush,
/// off the caller's path, while the previous write is still on its way; under load the messages of a burst share a
/// write, and a lone message still goes out at once.
/// </summary>
/// <remarks>
/// Only the methods named at construction are affected; unary calls and other streams pass through unchanged. Order
/// is kept (one sender at a time, in write order). The memory held is bounded by the evaluate stream's in-flight
/// limit. A failed send fails the next write and the end of the request, as a failed flush would have.
/// </remarks>
internal sealed class CoalescingWriteHandler(HttpMessageHandler inner, IReadOnlySet<string> paths) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && request.RequestUri is { } uri && paths.Contains(uri.AbsolutePath))
        {
            request.Content = new CoalescingContent(content);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The original body, written through a <see cref="CoalescingStream"/>.</summary>
    private sealed class CoalescingContent : HttpContent
    {
        private readonly HttpContent _inner;

        public CoalescingContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var coalescing = new CoalescingStream(stream);
            await _inner.CopyToAsync(coalescing, context, cancellationToken).ConfigureAwait(false);

            // INVARIANT: the body ends (END_STREAM) only after every written message went out.
            await coalescing.DrainAsync().ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// A write-only stream: writes go to a buffer; a flush starts a sender (unless one runs) that writes and flushes
    /// whatever has accumulated, and goes on while more arrived meanwhile.
    /// </summary>
    private sealed class CoalescingStream(Stream inner) : Stream
    {
        private readonly Lock _lock = new();
        private MemoryStream _pending = new();
        private MemoryStream _sending = new();
        private Task _sender = Task.CompletedTask;
        private bool _sendScheduled;
        private Exception? _failure;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                ThrowIfFailed();
                _pending.Write(buffer);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                ThrowIfFailed();
                if (!_sendScheduled && _pending.Length > 0)
                {
                    _sendScheduled = true;
                    _sender = Task.Run(SendAsync, CancellationToken.None);
                }
            }

            return Task.CompletedTask;
        }

        /// <summary>Waits until everything written has been sent; throws what a send threw.</summary>
        public async Task DrainAsync()
        {
            while (true)
            {
                Task sender;
                lock (_lock)
                {
                    ThrowIfFailed();
                    if (!_sendScheduled)
                    {
                        if (_pending.Length == 0)
                        {
                            return;
                        }

                        _sendScheduled = true;
                        _sender = Task.Run(SendAsync, CancellationToken.None);
                    }

                    sender = _sender;
                }

                await sender.ConfigureAwait(false);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task SendAsync()
        {
            while (true)
            {
                MemoryStream batch;
                lock (_lock)
                {
                    if (_pending.Length == 0 || _failure is not null)
                    {
                        _sendScheduled = false;
                        return;
                    }

                    // Swap the buffers: writers go on filling the other one while this batch is sent.
                    batch = _pending;
                    _pending = _sending;
                    _sending = batch;
                }

                try
                {
                    await inner.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length)).ConfigureAwait(false);
                    await inner.FlushAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    lock (_lock)
                    {
                        _failure = e;
                        _sendScheduled = false;
                    }

                    return;
                }
                finally
                {
                    batch.SetLength(0);
                }
            }
        }

        private void ThrowIfFailed()
        {
            if (_failure is { } failure)
            {
                throw new IOException("The request stream failed: " + failure.Message, failure);
            }
        }
    }
}
