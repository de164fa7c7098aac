using Orleans;
using Orleans.Runtime;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Hosting;

/// <summary>
/// Opens the embedded store early in silo start-up, so a locked, corrupt or foreign database stops the node
/// before it serves anything, and closes it late in shutdown, after grains wrote their last state.
/// </summary>
internal sealed class SqliteStoreLifecycle(SqliteStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SqliteStore),
            ServiceLifecycleStage.RuntimeStorageServices,
            _ => store.OpenAsync(),
            _ => Task.Run(store.Close));
}
