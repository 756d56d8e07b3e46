# generated from openapi.yaml, do not edit; run make generate
"""Contains methods for accessing the API"""
