using Warden.Testing;

namespace Warden.Storage.Tests.Azure;

/// <summary>One Azurite for every Azure Storage test in this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
