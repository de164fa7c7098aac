namespace Warden.Client.Connection;

/// <summary>How a <see cref="WardenClient"/> or <see cref="Operators.WardenOperatorClient"/> reaches Warden.</summary>
public sealed class WardenClientOptions
{
    /// <summary>
    /// The gRPC endpoints of the Warden gateways, for example <c>http://127.0.0.1:5080</c>. With one endpoint the
    /// client talks to it directly; with several it connects to the first that answers and fails over to the
    /// others when it becomes unavailable.
    /// </summary>
    public IList<Uri> Endpoints { get; } = [];

    /// <summary>The credential sent as <c>authorization: Bearer …</c>: an agent credential or an operator key.</summary>
    public string? Credential { get; set; }

    /// <summary>Deadline of each unary call (default 30 seconds). Streams have no deadline.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a call that failed with UNAVAILABLE before any gateway answered it (connection refused or lost
    /// before the response began, no gateway ready) is attempted in all, including the first (default 3, at least 1),
    /// within the call's deadline, after a randomised back-off of up to 100 ms doubling to 2 s. With several endpoints
    /// the next attempt goes to the gateway the channel has moved to. A call a server answered is never repeated,
    /// whatever the status (an UNAVAILABLE from a gateway included: it took the call); other failures are never retried.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>An HTTP handler to use instead of the default one (tests, proxies, TLS settings).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one endpoint is required.", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"Endpoint '{endpoint}' must be an absolute http:// or https:// address.", nameof(Endpoints));
            }
        }

        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("CallTimeout must be positive.", nameof(CallTimeout));
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException("MaxAttempts must be at least 1.", nameof(MaxAttempts));
        }
    }
}
