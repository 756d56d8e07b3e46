# generated from openapi.yaml, do not edit; run make generate
"""Contains endpoint functions for accessing the API"""
