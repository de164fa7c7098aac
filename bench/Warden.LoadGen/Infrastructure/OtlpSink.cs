using System.Net;
using System.Net.Sockets;

namespace Warden.LoadGen.Infrastructure;

/// <summary>
/// The receiving end of OTLP over HTTP for <c>--otlp-sink</c>: answers every export with 200 and counts what arrived, so a
/// run measures the host's cost of exporting its spans and metrics (encoding, batching, sending) without a collector.
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _posts;
    private long _bytes;

    private OtlpSink(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1/traces");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Where the host sends its exports (traces and metrics alike: the sink does not tell them apart).</summary>
    public Uri Endpoint { get; }

    /// <summary>The host's environment that points its OTLP export here, over HTTP.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HostEnvironment =>
    [
        new("Warden__Telemetry__OtlpEndpoint", Endpoint.ToString()),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
    ];

    /// <summary>Exports received so far, and their bytes.</summary>
    public (long Posts, long Bytes) Received => (Interlocked.Read(ref _posts), Interlocked.Read(ref _bytes));

    /// <summary>Starts a sink on a free loopback port.</summary>
    public static OtlpSink Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpSink(port);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ReceiveAsync(context));
        }
    }

    private async Task ReceiveAsync(HttpListenerContext context)
    {
        try
        {
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0)
            {
                length += read;
            }

            Interlocked.Increment(ref _posts);
            Interlocked.Add(ref _bytes, length);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
        }
        catch (Exception e) when (e is HttpListenerException or IOException)
        {
            context.Response.StatusCode = 500;
        }
        finally
        {
            context.Response.Close();
        }
    }
}
