using System.Net;
using Warden.Client.Connection;

namespace Warden.Host.Tests.Connection;

/// <summary>
/// <see cref="CoalescingWriteHandler"/>: the evaluate stream's request body keeps every byte in write order and ends
/// only after all of it was sent; a failed send fails the writer; other requests pass through untouched.
/// </summary>
public sealed class CoalescingWriteHandlerTests
{
    private const string StreamPath = "/warden.v1.AgentRuntime/EvaluateStream";

    [Fact]
    public async Task StreamBody_ManyFlushedWrites_ArriveWhole_InOrder()
    {
        var sink = new RecordingHandler();
        using var client = new HttpMessageInvoker(new CoalescingWriteHandler(sink, new HashSet<string> { StreamPath }));
        var body = new ScriptedBody(async stream =>
        {
            for (var i = 0; i < 500; i++)
            {
                await stream.WriteAsync(new[] { (byte)(i % 251), (byte)(i / 251) });
                await stream.FlushAsync();
            }
        });

        await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://warden.test" + StreamPath) { Content = body }, CancellationToken.None);

        var expected = Enumerable.Range(0, 500).SelectMany(i => new[] { (byte)(i % 251), (byte)(i / 251) }).ToArray();
        Assert.Equal(expected, sink.Body);
        Assert.Equal("application/grpc", sink.ContentType);
    }

    [Fact]
    public async Task StreamBody_SendFails_LaterWriteThrows()
    {
        var sink = new RecordingHandler { FailWrites = true };
        using var client = new HttpMessageInvoker(new CoalescingWriteHandler(sink, new HashSet<string> { StreamPath }));
        var body = new ScriptedBody(async stream =>
        {
            // The first flush starts a send that fails; from then on the writer is told.
            await stream.WriteAsync(new byte[] { 1 });
            await stream.FlushAsync();
            for (var i = 0; i < 1_000; i++)
            {
                await Task.Delay(10);
                await stream.WriteAsync(new byte[] { 2 });
                await stream.FlushAsync();
            }
        });

        // HttpContent.CopyToAsync wraps what the body threw; the send's own failure is inside.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://warden.test" + StreamPath) { Content = body }, CancellationToken.None));
        var chain = new List<Exception>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            chain.Add(x);
        }

        Assert.Contains(chain, x => x is IOException && x.Message.Contains("connection lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtherPaths_ContentPassesThroughUnchanged()
    {
        var sink = new RecordingHandler();
        using var client = new HttpMessageInvoker(new CoalescingWriteHandler(sink, new HashSet<string> { StreamPath }));
        var content = new ByteArrayContent([1, 2, 3]);

        await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://warden.test/warden.v1.AgentRuntime/Evaluate") { Content = content }, CancellationToken.None);

        Assert.Same(content, sink.Content);
    }

    /// <summary>A body produced by a script writing to the request stream, like gRPC's push content.</summary>
    private sealed class ScriptedBody : HttpContent
    {
        private readonly Func<Stream, Task> _script;

        public ScriptedBody(Func<Stream, Task> script)
        {
            _script = script;
            Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _script(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Serializes the request body into memory, as the transport would onto the wire.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public bool FailWrites { get; init; }

        public byte[] Body { get; private set; } = [];

        public string? ContentType { get; private set; }

        public HttpContent? Content { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Content = request.Content;
            ContentType = request.Content?.Headers.ContentType?.MediaType;
            using var wire = FailWrites ? new FailingStream() : new MemoryStream();
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(wire, cancellationToken);
            }

            Body = wire.ToArray();
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("connection lost"));
    }
}
