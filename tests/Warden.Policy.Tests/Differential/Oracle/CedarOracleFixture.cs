namespace Warden.Policy.Tests.Differential.Oracle;

/// <summary>One cedar-wasm Node process shared by every differential test; started on first use, stopped at the end.</summary>
public sealed class CedarOracleFixture : IDisposable
{
    private readonly Lazy<CedarOracle> _oracle = new(CedarOracle.Start);

    /// <summary>Serializes tests that talk to the oracle (one conversation at a time on its pipes).</summary>
    internal object Gate { get; } = new();

    /// <summary>The running oracle; throws (with how to install it) when Node or cedar-wasm is missing.</summary>
    internal CedarOracle Oracle => _oracle.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_oracle.IsValueCreated)
        {
            _oracle.Value.Dispose();
        }
    }
}

/// <summary>The differential tests share one oracle process.</summary>
[CollectionDefinition(Name)]
public sealed class CedarOracleCollection : ICollectionFixture<CedarOracleFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cedar-wasm oracle";
}
