using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Warden.Events;

namespace Warden.Grains.Tests.Events;

/// <summary>
/// Generated events for codec tests: every public property of every <see cref="WardenEvent"/> kind (and of the records
/// inside them) gets a random value, including null, empty, default arrays, non-ASCII and multi-segment-long strings,
/// and extreme numbers; with <c>distinctValues</c> no two values are one instance (no empty strings, no
/// empty arrays). <see cref="AssertSame"/> compares two events field by field (arrays element by element).
/// </summary>
internal sealed class EventSamples(int seed, bool distinctValues = false)
{
    private static readonly string[] Pieces = ["a", "Z", "0", "-", "/", ":", "é", "ß", "漢字", "\U0001F600", "\u0000", " ", "\"", "ü"];
    private readonly Random _random = new(seed);

    /// <summary>Every concrete event type of Warden.Abstractions.</summary>
    public static IReadOnlyList<Type> EventKinds { get; } = typeof(WardenEvent).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(WardenEvent)))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    public T Next<T>() => (T)Value(typeof(T), depth: 0)!;

    public WardenEvent Next(Type kind) => (WardenEvent)Value(kind, depth: 0)!;

    /// <summary>Asserts that every readable public property of <paramref name="expected"/> and <paramref name="actual"/> is the same, recursively.</summary>
    public static void AssertSame(object? expected, object? actual, string path = "event")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }

        var type = expected.GetType();
        Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, got a {actual.GetType().Name}");
        if (IsScalar(type))
        {
            Assert.True(Equals(expected, actual), $"{path}: expected {Show(expected)}, got {Show(actual)}");
            if (expected is DateTimeOffset at)
            {
                Assert.True(at.Offset == ((DateTimeOffset)actual).Offset, $"{path}: offset {at.Offset} became {((DateTimeOffset)actual).Offset}");
            }

            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var isDefault = type.GetProperty(nameof(ImmutableArray<int>.IsDefault))!;
            var expectedDefault = (bool)isDefault.GetValue(expected)!;
            Assert.True(expectedDefault == (bool)isDefault.GetValue(actual)!, $"{path}: default array {expectedDefault} became {!expectedDefault}");
            if (expectedDefault)
            {
                return;
            }
        }

        if (expected is IEnumerable sequence)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: {left.Count} elements became {right.Count}");
            for (var i = 0; i < left.Count; i++)
            {
                AssertSame(left[i], right[i], $"{path}[{i}]");
            }

            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertSame(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(DateTimeOffset) || type == typeof(DateTime)
        || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Guid);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\" ({s.Length} chars)",
        DateTimeOffset at => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private object? Value(Type type, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return _random.Next(3) == 0 ? null : Value(underlying, depth);
        }

        if (type == typeof(string))
        {
            return String();
        }

        if (type == typeof(long))
        {
            return _random.Next(4) switch { 0 => 0L, 1 => long.MaxValue, 2 => long.MinValue, _ => _random.NextInt64() };
        }

        if (type == typeof(int))
        {
            return _random.Next(4) switch { 0 => 0, 1 => int.MaxValue, 2 => -1, _ => _random.Next() };
        }

        if (type == typeof(bool))
        {
            return _random.Next(2) == 0;
        }

        if (type == typeof(DateTimeOffset))
        {
            var offset = TimeSpan.FromMinutes(_random.Next(-14 * 4, 14 * 4 + 1) * 15);
            var ticks = _random.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay);
            return new DateTimeOffset(ticks, offset);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return _random.Next(8) == 0
                ? Enum.ToObject(type, 1000 + _random.Next(10))
                : values.GetValue(_random.Next(values.Length));
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var element = type.GetGenericArguments()[0];
            // Empty arrays are one shared instance (Array.Empty), which the generated codec writes as a back-reference.
            var length = _random.Next(6) switch { 0 => -1, 1 when !distinctValues => 0, _ => _random.Next(1, 5) };
            if (length < 0)
            {
                return Activator.CreateInstance(type);
            }

            var items = Array.CreateInstance(element, length);
            for (var i = 0; i < length; i++)
            {
                items.SetValue(Value(element, depth + 1), i);
            }

            return typeof(ImmutableArray).GetMethods()
                .Single(m => m.Name == nameof(ImmutableArray.Create) && m.GetParameters() is [{ ParameterType.IsArray: true }])
                .MakeGenericMethod(element)
                .Invoke(null, [items]);
        }

        if (type.IsClass && depth < 4)
        {
            return Record(type, depth);
        }

        throw new NotSupportedException($"no generator for {type}");
    }

    /// <summary>A record: through its widest constructor, then every remaining settable (init) property.</summary>
    private object Record(Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var instance = constructor.Invoke(constructor.GetParameters().Select(p => Value(p.ParameterType, depth + 1)).ToArray());
        var positional = constructor.GetParameters().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && !positional.Contains(property.Name))
            {
                property.SetValue(instance, Value(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }

    private string? String()
    {
        var kind = _random.Next(distinctValues ? 9 : 10);
        if (kind == 8)
        {
            return null;
        }

        if (kind == 9)
        {
            return "";
        }

        // A new instance every time (never a literal): repeats are by content only.
        var text = new StringBuilder();
        var pieces = kind == 0 ? 300 : _random.Next(1, 12);
        for (var i = 0; i < pieces; i++)
        {
            text.Append(Pieces[_random.Next(Pieces.Length)]);
        }

        return text.ToString();
    }
}
