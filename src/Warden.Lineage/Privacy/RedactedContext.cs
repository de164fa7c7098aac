using Warden.Lineage.Records;

namespace Warden.Lineage.Privacy;

/// <summary>What <see cref="ContextRedactor"/> produces: what may be stored, and nothing that may not.</summary>
/// <param name="Json">The context as canonical JSON with every sensitive value replaced by <c>hmac-sha256:&lt;base64url&gt;</c>.</param>
/// <param name="Digest">HMAC-SHA256 under the tenant key of the canonical JSON of the FULL context (sensitive values included).</param>
/// <param name="RedactedValueCount">How many values were replaced.</param>
public sealed record RedactedContext(string Json, LineageHash Digest, int RedactedValueCount);
