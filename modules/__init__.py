"""Streaming ML feature pipelines on ECS Fargate, synthesized with CDK for Terraform."""
