using System.Globalization;
using System.Text;
using Loadlens.Analysis.Sizing;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Loadlens.Reporting.Sizing;

/// <summary>
/// A Kubernetes <c>HorizontalPodAutoscaler</c> (<c>autoscaling/v2</c>) as typed records, the fields named as in the
/// API's schema, serialized with YamlDotNet (<c>hpa.yaml</c>). Only the fields Loadlens sets: the scale target, the
/// replica range and one CPU utilisation metric.
/// </summary>
internal sealed record HorizontalPodAutoscaler
{
    /// <summary>The API group and version.</summary>
    public const string ApiVersionValue = "autoscaling/v2";

    public string ApiVersion { get; init; } = ApiVersionValue;

    public string Kind { get; init; } = "HorizontalPodAutoscaler";

    public required ObjectMeta Metadata { get; init; }

    public required HorizontalPodAutoscalerSpec Spec { get; init; }

    /// <summary>The manifest for <paramref name="advice"/>'s autoscaling piece; null when the data was too thin for one.</summary>
    public static HorizontalPodAutoscaler? From(SizingAdvice advice)
    {
        ArgumentNullException.ThrowIfNull(advice);
        var a = advice.Autoscale;
        if (!a.HasManifest)
        {
            return null;
        }

        return new HorizontalPodAutoscaler
        {
            Metadata = new ObjectMeta { Name = a.DeploymentName! },
            Spec = new HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = a.DeploymentName! },
                MinReplicas = a.MinReplicas!.Value,
                MaxReplicas = a.MaxReplicas!.Value,
                Metrics =
                [
                    new MetricSpec
                    {
                        Type = "Resource",
                        Resource = new ResourceMetricSource { Name = "cpu", Target = new MetricTarget { Type = "Utilization", AverageUtilization = a.CpuTargetPercent!.Value } },
                    },
                ],
            },
        };
    }

    /// <summary>The manifest as YAML, headed by comments that give its inputs and arithmetic.</summary>
    public static string? Render(SizingAdvice advice)
    {
        if (From(advice) is not { } hpa)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append("# Loadlens sizing for ").Append(SizingAdvisor.N(advice.TargetRate)).Append(" req/s within ").Append(advice.Criteria).AppendLine(" (docs/sizing.md).");
        foreach (var line in advice.Autoscale.Arithmetic.Concat(advice.Replicas.Arithmetic))
        {
            text.Append("# ").AppendLine(line);
        }

        foreach (var line in advice.Autoscale.Assumptions)
        {
            text.Append("# assumes: ").AppendLine(line);
        }

        var serializer = new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .DisableAliases()
            .Build();
        text.Append(serializer.Serialize(hpa));
        return text.ToString().ReplaceLineEndings("\n");
    }
}

internal sealed record ObjectMeta
{
    public required string Name { get; init; }
}

internal sealed record HorizontalPodAutoscalerSpec
{
    public required CrossVersionObjectReference ScaleTargetRef { get; init; }

    public int MinReplicas { get; init; }

    public int MaxReplicas { get; init; }

    public IReadOnlyList<MetricSpec> Metrics { get; init; } = [];
}

internal sealed record CrossVersionObjectReference
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }
}

internal sealed record MetricSpec
{
    public required string Type { get; init; }

    public ResourceMetricSource? Resource { get; init; }
}

internal sealed record ResourceMetricSource
{
    public required string Name { get; init; }

    public required MetricTarget Target { get; init; }
}

internal sealed record MetricTarget
{
    public required string Type { get; init; }

    public int? AverageUtilization { get; init; }
}
