using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Warden.Grains.Persistence;

/// <summary>Creates a <see cref="DirectPersistentState{TState}"/> for each <see cref="DirectPersistentStateAttribute"/> parameter.</summary>
internal sealed class DirectPersistentStateMapper : IAttributeToFactoryMapper<DirectPersistentStateAttribute>
{
    private static readonly MethodInfo CreateMethod =
        typeof(DirectPersistentStateMapper).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    public Factory<IGrainContext, object> GetFactory(ParameterInfo parameter, DirectPersistentStateAttribute metadata)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(metadata);
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
        {
            throw new InvalidOperationException($"[DirectPersistentState] is for IPersistentState<T> parameters; {parameter.Member.DeclaringType}'s parameter {parameter.Name} is {type}.");
        }

        // Bound once per grain class; each activation only calls the delegate.
        var create = CreateMethod.MakeGenericMethod(type.GetGenericArguments()).CreateDelegate<Func<IGrainContext, DirectPersistentStateAttribute, object>>();
        return context => create(context, metadata);
    }

    private static object Create<TState>(IGrainContext context, DirectPersistentStateAttribute attribute)
    {
        var services = context.ActivationServices;
        var storage = services.GetKeyedService<IGrainStorage>(attribute.StorageName)
            ?? throw new BadProviderConfigException($"No grain storage named \"{attribute.StorageName}\" is registered (state \"{attribute.StateName}\" of {context.GrainId}).");
        var initial = services.GetRequiredService<IActivatorProvider>().GetActivator<TState>();
        var state = new DirectPersistentState<TState>(attribute.StateName, context, storage, initial);
        state.Participate(context.ObservableLifecycle);
        return state;
    }
}
