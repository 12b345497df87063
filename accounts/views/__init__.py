"""Thin views: validate the input, call one service, shape the response and its cookies.

The docs come from each view: the docstring of a method is its summary and
description, accounts.schema adds the answers that follow from the view, and
``swagger_auto_schema`` states only what is particular to the endpoint.
"""
