namespace Warden.Grains.Persistence;

/// <summary>
/// Like Orleans' <see cref="PersistentStateAttribute"/> on an <see cref="IPersistentState{TState}"/> constructor
/// parameter, but served by <see cref="DirectPersistentState{TState}"/>: each read, write and clear calls the grain
/// storage directly on the grain's turn. For non-reentrant grains only (see the remarks there).
/// </summary>
/// <param name="stateName">The state's name in storage (the same as with <see cref="PersistentStateAttribute"/>).</param>
/// <param name="storageName">The keyed <see cref="Orleans.Storage.IGrainStorage"/> to use.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class DirectPersistentStateAttribute(string stateName, string storageName) : Attribute, IFacetMetadata, IPersistentStateConfiguration
{
    /// <inheritdoc/>
    public string StateName { get; } = stateName;

    /// <inheritdoc/>
    public string StorageName { get; } = storageName;
}
