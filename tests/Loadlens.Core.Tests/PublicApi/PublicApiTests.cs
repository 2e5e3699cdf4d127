using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Loadlens.Core.Results;

namespace Loadlens.Core.Tests.PublicApi;

/// <summary>
/// The public surface of Loadlens.Core, pinned in <c>Loadlens.Core.api.txt</c> next to this file: a change to
/// what users of Core (importers, middleware, reports) can call shows up as a diff to review. Regenerate on
/// purpose with <c>LOADLENS_UPDATE_GOLDEN=1 dotnet test tests/Loadlens.Core.Tests</c>.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Core_public_surface_matches_the_snapshot()
    {
        var actual = PublicSurface.Describe(typeof(RunResult).Assembly);
        var path = Path.Combine(SourceDirectory(), "Loadlens.Core.api.txt");
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        File.Exists(path).ShouldBeTrue($"missing {path}: run with LOADLENS_UPDATE_GOLDEN=1 to create it");
        actual.ShouldBe(File.ReadAllText(path).ReplaceLineEndings("\n"), "the public API of Loadlens.Core changed; review it and regenerate the snapshot with LOADLENS_UPDATE_GOLDEN=1");
    }

    [Fact]
    public void The_description_sees_members_and_hides_internals()
    {
        var text = PublicSurface.Describe(typeof(RunResult).Assembly);
        text.ShouldContain("public sealed record Loadlens.Core.Results.RunResult");
        text.ShouldContain("  property System.Collections.Generic.IReadOnlyList<Loadlens.Core.Results.EndpointResult> Endpoints { get; init; }");
        text.ShouldContain("  method Loadlens.Core.Results.RunResult WithSection<T>(System.String name, T value)");
        text.ShouldNotContain("NumberText"); // internal helper
        text.ShouldNotContain("YamlDotNet");
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}

/// <summary>A stable text description of an assembly's public types and members.</summary>
internal static class PublicSurface
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append("public ").Append(Kind(type)).Append(' ').Append(Name(type)).Append('\n');
            foreach (var line in Members(type).Order(StringComparer.Ordinal))
            {
                sb.Append("  ").Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type))
            {
                yield return "value " + name + " = " + Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture);
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            switch (member)
            {
                case ConstructorInfo c:
                    yield return "ctor(" + Parameters(c.GetParameters()) + ")";
                    break;
                case PropertyInfo p:
                    var accessors = (p.GetMethod?.IsPublic == true ? "get; " : string.Empty)
                        + (p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty);
                    var isStatic = (p.GetMethod ?? p.SetMethod)?.IsStatic == true ? "static " : string.Empty;
                    yield return $"property {isStatic}{Name(p.PropertyType)} {p.Name} {{ {accessors}}}";
                    break;
                case FieldInfo f when !type.IsEnum:
                    yield return $"field {(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}";
                    break;
                case MethodInfo m when !m.IsSpecialName && !IsCompilerGenerated(m):
                    var generic = m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;
                    yield return $"method {(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{generic}({Parameters(m.GetParameters())})";
                    break;
                case EventInfo e:
                    yield return $"event {Name(e.EventHandlerType!)} {e.Name}";
                    break;
            }
        }
    }

    private static bool IsCompilerGenerated(MethodInfo m) =>
        m.Name is "<Clone>$" or "PrintMembers" or "Deconstruct" or "Equals" or "GetHashCode" or "ToString" or "get_EqualityContract"
        || m.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;

    private static string Parameters(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => $"{(p.ParameterType.IsByRef ? (p.IsOut ? "out " : "ref ") : string.Empty)}{Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Kind(Type type) =>
        type.IsEnum ? "enum"
        : type.IsInterface ? "interface"
        : type.IsValueType ? "struct"
        : type.IsAbstract && type.IsSealed ? "static class"
        : type.GetMethod("<Clone>$") is not null ? (type.IsSealed ? "sealed record" : "record")
        : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return name[..tick] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
