"""The generated docstrings state the model's facts, and help() shows them: for each service
method its verb, HTTP method and path, every parameter with its type and whether the model
requires it, the model's mandatory inputs, what it returns and what it raises; for each struct
every attribute; each enum and locator says what it is."""

import pydoc

from ovirtsdk4 import services, types


def _methods(api_model):
    for service in api_model.services:
        cls = getattr(services, service.name)
        for method in service.methods:
            yield service, method, getattr(cls, method.name)


def test_every_service_method_documents_the_model_facts(api_model):
    count = 0
    for service, method, function in _methods(api_model):
        doc = function.__doc__
        where = f"{service.name}.{method.name}"
        assert f"``{method.http_method} {method.target}``" in doc, where
        assert doc.startswith(method.kind.capitalize()), where
        for parameter in method.checked:
            need = "required" if parameter.required else "optional"
            assert f"{parameter.python_name} ({parameter.type_doc}, {need}): " in doc, where
        for group in method.mandatory:
            assert " or ".join(f"``{path}``" for path in group) in doc, where
        assert f"Returns ``{method.returns}``" in doc, where
        assert "Raises ``ovirtsdk4.Error``" in doc, where
        count += 1
    assert count == sum(len(s.methods) for s in api_model.services)


def test_required_parameters_are_the_model_mandatory_ones(api_model):
    method = next(
        m
        for s, m, _ in _methods(api_model)
        if s.name == "VmsService" and m.name == "add_from_scratch"
    )
    assert method.body.required
    doc = services.VmsService.add_from_scratch.__doc__
    assert "``vm.cluster.id`` or ``vm.cluster.name``" in doc
    assert "clone (bool, optional): query parameter ``clone``" in doc


def test_help_shows_them():
    text = pydoc.render_doc(services.StorageDomainService.is_attached, renderer=pydoc.plaintext)
    assert "POST {path}/isattached" in text
    assert "Returns ``bool | None``" in text
    text = pydoc.render_doc(services.VmsService, renderer=pydoc.plaintext)
    assert "list_iter" in text and "GET {path}" in text and "vm_service" in text


def test_every_struct_and_enum_is_documented(api_model):
    for struct in api_model.structs:
        doc = getattr(types, struct.name).__doc__
        assert f"<{struct.xml_element}>" in doc, struct.name
        assert ("Deprecated." in doc.splitlines()[0]) == struct.deprecated, struct.name
        for member in struct.members:
            line = next(x for x in doc.splitlines() if f" {member.python_name}: " in x)
            assert f"{member.python_name}: {member.type_doc}," in line, (struct.name, member.name)
            assert line.endswith(", deprecated") == member.deprecated, (struct.name, member.name)
    for enum in api_model.enums:
        doc = getattr(types, enum.name).__doc__
        assert doc.startswith(f"Enum ``{enum.name}``"), enum.name
        for constant in enum.deprecated:
            assert constant in doc.split("Deprecated: ", 1)[1], (enum.name, constant)
