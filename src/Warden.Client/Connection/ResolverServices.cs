using Grpc.Net.Client.Balancer;

namespace Warden.Client.Connection;

/// <summary>
/// The few services a <see cref="Grpc.Net.Client.GrpcChannel"/> asks for when it balances over several addresses;
/// saves the client a dependency-injection container.
/// </summary>
internal sealed class ResolverServices(ResolverFactory factory) : IServiceProvider
{
    private readonly ResolverFactory[] _factories = [factory];

    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(ResolverFactory))
        {
            return _factories[0];
        }

        return serviceType == typeof(IEnumerable<ResolverFactory>) ? _factories : null;
    }
}
