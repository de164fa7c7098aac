using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Warden.Grains.Revocation;

/// <summary>The grain service behind <see cref="IRevocationTableService"/>: writes to this silo's <see cref="RevocationTable"/>.</summary>
[Reentrant]
internal sealed class RevocationTableService(GrainId grainId, Silo silo, ILoggerFactory loggerFactory, RevocationTable table, CredentialRevocations credentials)
    : GrainService(grainId, silo, loggerFactory), IRevocationTableService
{
    public Task RecordAsync(RevokedScope scope)
    {
        // INVARIANT: the entry is in the table before this call acknowledges; the revoke returns only after every
        // active silo acknowledged.
        table.Record(scope);
        return Task.CompletedTask;
    }

    public Task ClearAsync(RevokedScope scope)
    {
        table.Clear(scope);
        return Task.CompletedTask;
    }

    public Task ForgetCredentialsAsync(string tenantId, string agentId)
    {
        // INVARIANT: the count has moved before this call acknowledges; the rotation returns only after every active silo
        // acknowledged.
        credentials.Advance();
        return Task.CompletedTask;
    }
}

/// <summary>Addresses the <see cref="IRevocationTableService"/> of one silo.</summary>
internal sealed class RevocationTableClient(IServiceProvider services)
    : Orleans.Runtime.Services.GrainServiceClient<IRevocationTableService>(services)
{
    /// <summary>The service on <paramref name="silo"/>.</summary>
    public IRevocationTableService On(SiloAddress silo) => GetGrainService(silo);
}
