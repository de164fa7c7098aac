namespace Warden.Policy.Tests.Differential.Oracle;

/// <summary>
/// One cedar-wasm Node process shared by every differential test; started on first use, restarted if it crashes
/// (Node 20's V8 has been seen to abort once in hundreds of thousands of calls), stopped at the end.
/// </summary>
public sealed class CedarOracleFixture : IDisposable
{
    private readonly object _gate = new();
    private CedarOracle? _oracle;
    private Exception? _startFailure;

    /// <summary>Serializes tests that talk to the oracle (one conversation at a time on its pipes).</summary>
    internal object Gate => _gate;

    /// <summary>How many times the oracle was restarted after a crash.</summary>
    internal int Restarts { get; private set; }

    /// <summary>The running oracle; throws (with how to install it) when Node or cedar-wasm is missing.</summary>
    internal CedarOracle Oracle
    {
        get
        {
            lock (_gate)
            {
                if (_startFailure is not null)
                {
                    throw new InvalidOperationException(_startFailure.Message, _startFailure);
                }

                try
                {
                    return _oracle ??= CedarOracle.Start();
                }
                catch (Exception e) when (e is InvalidOperationException or OracleCrashedException or IOException)
                {
                    _startFailure = e;
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Sends a batch; if the oracle crashes or hangs, starts a fresh one and sends the batch again (once: a case that
    /// crashes it twice is reported).
    /// </summary>
    internal IReadOnlyList<System.Text.Json.Nodes.JsonObject[]> Send(IReadOnlyList<System.Text.Json.Nodes.JsonObject> cases, Func<System.Text.Json.Nodes.JsonObject, int> expectedLines)
    {
        lock (_gate)
        {
            try
            {
                return Oracle.Send(cases, expectedLines);
            }
            catch (OracleCaseException)
            {
                Restart();
                throw;
            }
            catch (OracleCrashedException first)
            {
                Restart();
                try
                {
                    return Oracle.Send(cases, expectedLines);
                }
                catch (OracleCrashedException second)
                {
                    Restart();
                    throw new InvalidOperationException($"the oracle crashed twice on the same batch:\n{first.Message}\n{second.Message}", second);
                }
            }
        }
    }

    private void Restart()
    {
        _oracle?.Kill();
        _oracle?.Dispose();
        _oracle = null;
        Restarts++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _oracle?.Dispose();
            _oracle = null;
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
