using Warden.Host.Security;
using Warden.Tenants;

namespace Warden.Host.Lineage;

/// <summary>
/// Operator authentication for HTTP endpoints (the SSE feed): <c>Authorization: Bearer</c> with the root operator key
/// or an operator credential of the tenant, verified by the tenant grain exactly as the gRPC interceptor does.
/// </summary>
internal sealed class HttpOperatorAuthenticator(OperatorKeyStore operatorKey, IGrainFactory grains)
{
    /// <summary>The operator, or null when the request carries no valid operator credential.</summary>
    public async Task<OperatorIdentity?> AuthenticateAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[7..].Trim();
        if (token.Length == 0 || token.Length > WardenLimits.MaxCredentialLength)
        {
            return null;
        }

        if (operatorKey.IsRootKey(token))
        {
            return new OperatorIdentity(null, "root");
        }

        if (!WardenCredential.TryParse(token, out var credential) || credential.Kind != CredentialKind.Operator)
        {
            return null;
        }

        var verified = await grains.GetGrain<ITenantGrain>(credential.TenantId).VerifyOperatorCredentialAsync(token).ConfigureAwait(false);
        return verified.IsOk ? new OperatorIdentity(verified.Value.TenantId, verified.Value.CredentialId) : null;
    }
}
